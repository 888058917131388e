"""The commands of Relance and its command line: wiring the edges to the domain, user errors to French."""
