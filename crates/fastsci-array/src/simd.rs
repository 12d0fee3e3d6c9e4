//! Runtime choice of the instruction set: one body compiled twice, for AVX2 and for the
//! baseline, and the AVX2 copy called when the CPU has it. The kernels are written as plain
//! loops that the compiler vectorizes; this only decides how wide.

/// Evaluates `$wide` in a function compiled with AVX2 when `$cond` holds (if given) and the
/// CPU supports AVX2, and `$plain` otherwise (in the caller, at the baseline width; `$wide`
/// again when no `else` is given). The arguments are named with their types, as in a function
/// signature, and `$wide` may use only those:
/// `avx2_or_plain!(fn(x: &[f64]) -> Dd { sum::<16>(x) } else { sum::<8>(x) })`.
macro_rules! avx2_or_plain {
    (fn $($rest:tt)*) => {
        $crate::simd::avx2_or_plain!(when true; fn $($rest)*)
    };
    (when $cond:expr; fn($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? { $body:expr }) => {
        $crate::simd::avx2_or_plain!(when $cond; fn($($arg: $ty),*) $(-> $ret)? { $body } else { $body })
    };
    (when $cond:expr; fn($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? { $wide:expr } else { $plain:expr }) => {{
        #[cfg(target_arch = "x86_64")]
        {
            #[target_feature(enable = "avx2")]
            fn wide($($arg: $ty),*) $(-> $ret)? {
                $wide
            }
            if $cond && std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2, checked just above.
                unsafe { wide($($arg),*) }
            } else {
                $plain
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            $plain
        }
    }};
}

pub(crate) use avx2_or_plain;
