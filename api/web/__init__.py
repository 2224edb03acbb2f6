"""The web pages: the staff desk, the enterprise portal, the inspector's view, the dashboards
and the admin pages, rendered on the server (Jinja2, plain forms, SVG charts) and served by the
same process as the API, with every asset served from here. ``site.mount(app)`` adds them."""
