//! The embedded SQLite record with versioned migrations.
