//! Clinical calculators: risk equations, CAC interpretation, progression, kidney function.
