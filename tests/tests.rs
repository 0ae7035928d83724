//! End-to-end tests of the `chorus` binary against the newsroom.
