//! Food-composition table, nutrient maths, reference intakes, phosphate-additive detection.
