"""Alert delivery: when to speak (policy), what to say (compose), to whom (routing), and the five
small platform clients that check the platform's own answer (channels)."""
