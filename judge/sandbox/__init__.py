"""The sandbox (decides grades): which tier runs a worker, how it is launched and confined from outside, its CPU
clock, its syscall filter, the zygote client and the container tier's uids. Part of the judge version."""
