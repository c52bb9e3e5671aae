"""The parts of the IPython ``%docker`` magic: Python values in input, completion, live streams."""
