print("xe")
