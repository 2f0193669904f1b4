"""The notebooks' helpers: summaries, overview, city profiles, crime against grid density, figures."""
