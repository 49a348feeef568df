"""The guard: offline scanners for prompts, outputs and tool calls; policies; redaction."""
