//! Tests of the machine through a scripted fake backend; no I/O.

mod drive;
mod exhaustive;
mod golden;
mod prop;
mod world;
