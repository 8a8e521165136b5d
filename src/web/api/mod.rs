//! The JSON API under `/api/v1`.

pub mod authoring;
pub mod imports;
pub mod misc;
pub mod openapi;
pub mod resources;
pub mod workflow;
