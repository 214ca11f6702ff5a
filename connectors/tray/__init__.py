"""Tray (Tray Commerce / commercesuite) connector."""
