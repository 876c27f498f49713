"""What the benchmark scripts share: the median of their rounds."""


def median(xs):
    """The median of a list of numbers (0 for none)."""
    xs = sorted(xs)
    if not xs:
        return 0
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2
