"""The application: the use cases the Slack face and the command line call, and the composition root."""
