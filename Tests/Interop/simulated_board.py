"""The simulated board's audio files: what the box plays lands in data_dir/speaker.raw, what the
handset microphone hears is read from data_dir/mic.raw (48 kHz, 16-bit mono)."""
import os

import numpy

MIC_HZ = 1_000


def write_tone(path, frequency, seconds=60, amplitude=0.3):
    t = numpy.arange(int(48_000 * seconds)) / 48_000
    samples = (numpy.sin(2 * numpy.pi * frequency * t) * amplitude * 32767).astype("<i2")
    with open(path, "wb") as f:
        f.write(samples.tobytes())


def speaker(box, skip_seconds=0.0):
    path = os.path.join(box.data_dir, "speaker.raw")
    data = numpy.fromfile(path, dtype="<i2") if os.path.exists(path) else numpy.zeros(0, dtype="<i2")
    return data[int(skip_seconds * 48_000):]
