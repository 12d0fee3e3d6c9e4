mod vmath;
