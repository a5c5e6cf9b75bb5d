"""claimwatch: watches the health web for invented jargon, vague dosing advice and uncited claims."""
