"""OSHA recordkeeping: the 300 log, the 300A summary, the 301 report and the ITA files."""
