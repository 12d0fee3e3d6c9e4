//! Gauss–Kronrod rules of QUADPACK: 21 points (QK21), 15 points (QK15 with weights), and the
//! 15-point rule on a transformed infinite range (QK15I).
//!
//! Each rule returns the Kronrod estimate, QUADPACK's error estimate, the integral of `|f|`
//! and of `|f - mean|`, and the first abscissa (if any) where the integrand was not finite.
// The published 33-digit constants are kept exactly as printed in QUADPACK.
#![allow(clippy::excessive_precision)]
// Index loops follow the published rules node by node.
#![allow(clippy::needless_range_loop)]

/// 21-point Kronrod abscissae on [0, 1] (descending); even indices 1, 3, ... are the
/// 10-point Gauss nodes.
pub(crate) const XGK21: [f64; 11] = [
    0.995_657_163_025_808_080_735_527_280_689_003,
    0.973_906_528_517_171_720_077_964_012_084_452,
    0.930_157_491_355_708_226_001_207_180_059_508,
    0.865_063_366_688_984_510_732_096_688_423_493,
    0.780_817_726_586_416_897_063_717_578_345_042,
    0.679_409_568_299_024_406_234_327_365_114_874,
    0.562_757_134_668_604_683_339_000_099_272_694,
    0.433_395_394_129_247_190_799_265_943_165_784,
    0.294_392_862_701_460_198_131_126_603_103_866,
    0.148_874_338_981_631_210_884_826_001_129_720,
    0.0,
];
/// 21-point Kronrod weights.
pub(crate) const WGK21: [f64; 11] = [
    0.011_694_638_867_371_874_278_064_396_062_192,
    0.032_558_162_307_964_727_478_818_972_459_390,
    0.054_755_896_574_351_996_031_381_300_244_580,
    0.075_039_674_810_919_952_767_043_140_916_190,
    0.093_125_454_583_697_605_535_065_465_083_366,
    0.109_387_158_802_297_641_899_210_590_325_805,
    0.123_491_976_262_065_851_077_958_109_831_074,
    0.134_709_217_311_473_325_928_054_001_771_707,
    0.142_775_938_577_060_080_797_094_273_138_717,
    0.147_739_104_901_338_491_374_841_515_972_068,
    0.149_445_554_002_916_905_664_936_468_389_821,
];
/// 10-point Gauss weights (for the nodes `XGK21[1], XGK21[3], ...`).
pub(crate) const WG10: [f64; 5] = [
    0.066_671_344_308_688_137_593_568_809_893_332,
    0.149_451_349_150_580_593_145_776_339_657_697,
    0.219_086_362_515_982_043_995_534_934_228_163,
    0.269_266_719_309_996_355_091_226_921_569_469,
    0.295_524_224_714_752_870_173_892_994_651_338,
];
/// 15-point Kronrod abscissae on [0, 1] (descending); odd indices 1, 3, 5, 7 are Gauss nodes.
pub(crate) const XGK15: [f64; 8] = [
    0.991_455_371_120_812_639_206_854_697_526_329,
    0.949_107_912_342_758_524_526_189_684_047_851,
    0.864_864_423_359_769_072_789_712_788_640_926,
    0.741_531_185_599_394_439_863_864_773_280_788,
    0.586_087_235_467_691_130_294_144_845_693_013,
    0.405_845_151_377_397_166_906_606_412_076_961,
    0.207_784_955_007_898_467_600_689_403_773_245,
    0.0,
];
/// 15-point Kronrod weights.
pub(crate) const WGK15: [f64; 8] = [
    0.022_935_322_010_529_224_963_732_008_058_970,
    0.063_092_092_629_978_553_290_700_663_189_204,
    0.104_790_010_322_250_183_839_876_322_541_518,
    0.140_653_259_715_525_918_745_189_590_510_238,
    0.169_004_726_639_267_902_826_583_426_598_550,
    0.190_350_578_064_785_409_913_256_402_421_014,
    0.204_432_940_075_298_892_414_161_999_234_649,
    0.209_482_141_084_727_828_012_999_174_891_714,
];
/// 7-point Gauss weights laid out beside `XGK15` (zero at Kronrod-only nodes).
pub(crate) const WG7: [f64; 8] = [
    0.0,
    0.129_484_966_168_869_693_270_611_432_679_082,
    0.0,
    0.279_705_391_489_276_667_901_467_771_423_780,
    0.0,
    0.381_830_050_505_118_944_950_369_775_488_975,
    0.0,
    0.417_959_183_673_469_387_755_102_040_816_327,
];

pub(crate) const EPMACH: f64 = f64::EPSILON;
pub(crate) const UFLOW: f64 = f64::MIN_POSITIVE;
pub(crate) const OFLOW: f64 = f64::MAX;

/// What one application of a rule on one interval gives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RuleOut {
    /// The (Kronrod) estimate of the integral.
    pub result: f64,
    /// QUADPACK's error estimate.
    pub abserr: f64,
    /// Estimate of the integral of |f|.
    pub resabs: f64,
    /// Estimate of the integral of |f - mean|.
    pub resasc: f64,
    /// Number of integrand evaluations made.
    pub neval: usize,
    /// An abscissa where the integrand was NaN or infinite, if any.
    pub bad: Option<f64>,
}

/// QUADPACK's error scaling shared by all Gauss–Kronrod rules.
#[inline]
fn scaled_error(raw: f64, resabs: f64, resasc: f64) -> f64 {
    let mut abserr = raw;
    if resasc != 0.0 && abserr != 0.0 {
        abserr = resasc * (200.0 * abserr / resasc).powf(1.5).min(1.0);
    }
    if resabs > UFLOW / (50.0 * EPMACH) {
        abserr = abserr.max(EPMACH * 50.0 * resabs);
    }
    abserr
}

/// Records `x` as a bad abscissa when `v` is not finite.
#[inline]
fn check(bad: &mut Option<f64>, x: f64, v: f64) {
    if !v.is_finite() && bad.is_none() {
        *bad = Some(x);
    }
}

/// `f` as the rules evaluate it: the first abscissa where it is not finite goes to `bad`,
/// so that the drivers can stop there and hand it back.
#[inline]
pub(crate) fn watched<'a, F: Fn(f64) -> f64 + ?Sized>(
    f: &'a F,
    bad: &'a mut Option<f64>,
) -> impl FnMut(f64) -> f64 + 'a {
    move |x| {
        let v = f(x);
        check(bad, x, v);
        v
    }
}

/// A Gauss–Kronrod pair laid out as QUADPACK lays it out, so that one body serves every rule.
struct GaussKronrod {
    /// Kronrod abscissae on [0, 1], descending, the centre (0) last.
    xgk: &'static [f64],
    /// Kronrod weights beside `xgk`.
    wgk: &'static [f64],
    /// Gauss weight of the centre, `None` where the centre is not a Gauss node.
    wg_centre: Option<f64>,
    /// The symmetric pairs `±xgk[j]` in the order QUADPACK visits them, each with its Gauss
    /// weight (`None` where the node is Kronrod-only). The order fixes both the summation
    /// order (bit-for-bit results) and which non-finite value is met first.
    pairs: &'static [(usize, Option<f64>)],
}

/// QK21: Gauss nodes (odd indices) first, then the Kronrod-only ones, as published.
const QK21: GaussKronrod = GaussKronrod {
    xgk: &XGK21,
    wgk: &WGK21,
    wg_centre: None,
    pairs: &[
        (1, Some(WG10[0])),
        (3, Some(WG10[1])),
        (5, Some(WG10[2])),
        (7, Some(WG10[3])),
        (9, Some(WG10[4])),
        (0, None),
        (2, None),
        (4, None),
        (6, None),
        (8, None),
    ],
};

/// QK15 (as used by QK15I and QK15W): nodes in order, the zero Gauss weights of the
/// Kronrod-only nodes added like the others, as published.
const QK15: GaussKronrod = GaussKronrod {
    xgk: &XGK15,
    wgk: &WGK15,
    wg_centre: Some(WG7[7]),
    pairs: &[
        (0, Some(WG7[0])),
        (1, Some(WG7[1])),
        (2, Some(WG7[2])),
        (3, Some(WG7[3])),
        (4, Some(WG7[4])),
        (5, Some(WG7[5])),
        (6, Some(WG7[6])),
    ],
};

impl GaussKronrod {
    /// Applies the rule on [a, b] to `g` (the integrand with any weight or change of
    /// variables already applied). `bad` and `neval` of the result are left for the caller,
    /// which knows what `g` evaluated; `neval` is set to the number of calls of `g`.
    #[inline]
    fn apply<G: FnMut(f64) -> f64>(&self, mut g: G, a: f64, b: f64) -> RuleOut {
        let centr = 0.5 * (a + b);
        let hlgth = 0.5 * (b - a);
        let dhlgth = hlgth.abs();
        let n = self.pairs.len();
        let mut fv1 = [0.0; 10];
        let mut fv2 = [0.0; 10];
        let fc = g(centr);
        let mut resg = self.wg_centre.map_or(0.0, |w| w * fc);
        let mut resk = self.wgk[n] * fc;
        let mut resabs = resk.abs();
        for &(j, wg) in self.pairs {
            let absc = hlgth * self.xgk[j];
            let f1 = g(centr - absc);
            let f2 = g(centr + absc);
            fv1[j] = f1;
            fv2[j] = f2;
            let fsum = f1 + f2;
            if let Some(wg) = wg {
                resg += wg * fsum;
            }
            resk += self.wgk[j] * fsum;
            resabs += self.wgk[j] * (f1.abs() + f2.abs());
        }
        let reskh = resk * 0.5;
        let mut resasc = self.wgk[n] * (fc - reskh).abs();
        for j in 0..n {
            resasc += self.wgk[j] * ((fv1[j] - reskh).abs() + (fv2[j] - reskh).abs());
        }
        let result = resk * hlgth;
        resabs *= dhlgth;
        resasc *= dhlgth;
        let abserr = scaled_error(((resk - resg) * hlgth).abs(), resabs, resasc);
        RuleOut { result, abserr, resabs, resasc, neval: 2 * n + 1, bad: None }
    }
}

/// QK21: the 21-point Kronrod rule with the embedded 10-point Gauss rule on [a, b].
pub(crate) fn qk21<F: Fn(f64) -> f64 + ?Sized>(f: &F, a: f64, b: f64) -> RuleOut {
    let mut bad = None;
    let out = QK21.apply(watched(f, &mut bad), a, b);
    RuleOut { bad, ..out }
}

/// QK15I: the 15-point rule on a subinterval [a, b] of (0, 1] after the map
/// `x = boun + dinf (1 - t) / t`; `both` adds `f(-x)` for the range (-inf, inf).
pub(crate) fn qk15i<F: Fn(f64) -> f64 + ?Sized>(
    f: &F,
    boun: f64,
    dinf: f64,
    both: bool,
    a: f64,
    b: f64,
) -> RuleOut {
    let mut bad = None;
    let mut neval = 0;
    let g = |t: f64| {
        let x = boun + dinf * (1.0 - t) / t;
        let mut v = f(x);
        check(&mut bad, x, v);
        neval += 1;
        if both {
            let w = f(-x);
            check(&mut bad, -x, w);
            neval += 1;
            v += w;
        }
        (v / t) / t
    };
    // Published QK15I scales by hlgth rather than |hlgth|: the same here, as a < b in (0, 1].
    let out = QK15.apply(g, a, b);
    RuleOut { bad, neval, ..out }
}

/// QK15W: the 15-point rule for `∫ w(x) f(x) dx` on [a, b] with a weight function `w`.
pub(crate) fn qk15w<F: Fn(f64) -> f64 + ?Sized, W: Fn(f64) -> f64>(f: &F, w: W, a: f64, b: f64) -> RuleOut {
    let mut bad = None;
    // Only `f` is checked: a non-finite weight is the weight's own (e.g. Cauchy's pole).
    let mut fx = watched(f, &mut bad);
    let out = QK15.apply(move |x| fx(x) * w(x), a, b);
    RuleOut { bad, ..out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_exact_on_polynomials_of_their_degree() {
        // QK21 is exact up to degree 31; its Gauss part up to degree 19.
        let r = qk21(&|x: f64| x.powi(30) + x.powi(3), -1.0, 1.0);
        assert!((r.result - 2.0 / 31.0).abs() < 1e-15);
        let r = qk15w(&|x: f64| x.powi(22), |_| 1.0, 0.0, 1.0);
        assert!((r.result - 1.0 / 23.0).abs() < 1e-15);
        let sum21: f64 = 2.0 * WGK21[..10].iter().sum::<f64>() + WGK21[10];
        assert!((sum21 - 2.0).abs() < 1e-15);
        let sum7: f64 = 2.0 * WG7[..7].iter().sum::<f64>() + WG7[7];
        assert!((sum7 - 2.0).abs() < 1e-15);
    }

    #[test]
    fn non_finite_values_are_reported_with_their_abscissa() {
        let r = qk21(&|x: f64| 1.0 / x.abs().sqrt(), -1.0, 1.0);
        assert_eq!(r.bad, Some(0.0));
    }
}
