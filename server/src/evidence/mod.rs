//! Evidence processing outside the web handlers: what a file is, previews, and text
//! extraction in the background.

pub mod documents;
pub mod media;
pub mod ocr;
pub mod previews;
