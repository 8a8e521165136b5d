//! Import: readers and parser on the seeds, hand-built .docx/.odt files and random input.

mod cases;
mod cli;
mod docx;
pub mod docx_builder;
mod odt;
mod quality;
mod robust;
mod web;
