"""Run accounting: counters, the balanced summary, report.md, and the explain view of one document."""
