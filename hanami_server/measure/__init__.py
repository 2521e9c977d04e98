"""What the server knows of the machine it runs on: its host identity, the Linux readers of
power, speed and temperature, one sampler filling ring buffers, system info and the thread map."""
