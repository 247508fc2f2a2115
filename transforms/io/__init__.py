"""Reading and writing: input files -> documents (decoded, fields mapped), records -> output files."""
