"""E-mail notifications: reply notices for readers who opted in (double opt-in), decision notices to authors who
gave an address, and a digest for moderators while the queue waits. Requests only write rows to the mail outbox;
the worker renders and sends them through SMTP."""
