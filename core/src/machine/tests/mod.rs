//! Tests of the machine through a scripted fake backend; no I/O.
