"""あんしんメールの統計 (issue 14 point 6): alerts, timing, subscribers, delivery."""
