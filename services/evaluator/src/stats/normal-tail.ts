/**
 * Complementary error function erfc(x) = 1 − erf(x), fractional error below 1.2e-7 everywhere
 * (the Chebyshev fit of Numerical Recipes §6.2, `erfcc`).
 * NOTE: simple-statistics ships this same fit only as errorFunction(x) = 1 − erfc(x); taking
 * 1 − errorFunction(x) back cancels to 0 once erfc(x) < 1e-16, so a McNemar p-value of 1e-42
 * would be reported as exactly 0.
 */
export function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const tail = t * Math.exp(-x * x + poly);
  return x >= 0 ? tail : 2 - tail;
}

/** P(χ²₁ > x): the upper tail of a chi-square with one degree of freedom, = P(|Z| > √x) = erfc(√(x/2)). */
export function chiSquare1Tail(x: number): number {
  if (!(x >= 0)) throw new RangeError(`chiSquare1Tail needs x >= 0, got ${x}`);
  return Math.min(1, erfc(Math.sqrt(x / 2)));
}
