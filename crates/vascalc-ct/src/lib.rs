//! CT calcium scoring: DICOM series discovery and geometry, HU, lesions, Agatston/volume/mass.
