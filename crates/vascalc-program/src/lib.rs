//! The program: evidence base, personal plan and safety rules.
