"""Infrastructure: settings, composition root, persistence, brokers, loops."""
