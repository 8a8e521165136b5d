//! The JSON API under `/api/v1`.

pub mod acknowledgements;
pub mod authoring;
pub mod documents;
pub mod imports;
pub mod library;
pub mod misc;
pub mod openapi;
pub mod resources;
pub mod routing;
pub mod substitutes;
pub mod workflow;
