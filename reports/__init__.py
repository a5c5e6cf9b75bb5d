"""The weekly report: warehouse views → figures → HTML, CSV and email."""
