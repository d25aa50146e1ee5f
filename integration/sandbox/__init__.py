"""Local emulators of Actionstep and Xero (WSGI apps) for the demo and tests, written from the public docs."""
