package dev.sesame.cli;

/** `--output table|json` of list and doctor: a table for people, or one JSON document for scripts. */
enum TableFormat { table, json }
