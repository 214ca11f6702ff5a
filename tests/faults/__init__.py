"""The fault-injection suite: real workers, a real broker and the sandboxes, under kills, broker
restarts, a failing ERP, rebalances and hostile webhooks; every run counts what was lost or
doubled. Short in the default test run; `make faults` (PONTE_FAULTS_FULL=1) runs it in full."""
