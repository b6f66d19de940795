"""The image size limits, one definition for verify's header checks (DecisionConfig) and for the
decoders of the pre-processing models (DecodeSettings), so a direct caller of an ensemble and a
verification are held to the same bounds."""

MAX_IMAGE_PIXELS = 24_000_000  # a small PNG can declare a huge canvas
MIN_IMAGE_SIDE_PX = 16  # below, a face cannot be found: IMAGE_TOO_SMALL, not IMAGE_CORRUPT
# Each scan of a JPEG is a pass over the whole image: a 171 KB progressive 4800x4800 JPEG that repeats one
# scan 1000 times cost DALI 18 CPU-s to decode (PIL 15). Encoders write 1-4 scans (baseline) or ~10 (progressive).
MAX_JPEG_SCANS = 32
