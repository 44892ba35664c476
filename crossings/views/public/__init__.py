"""Pages for anyone, signed in or not: the public traffic figures."""
