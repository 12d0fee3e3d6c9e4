//! Integration tests of fastsci-array, one module per area.

mod it;
