"""The rules of models/ on whole columns: DataFrames in, DataFrames out, money in integer cents, no IO.

Each function gives the same results as its record-based twin (allocation, ageing, penalties,
calendar), proven by the property tests of tests/models/frames.
"""
