"""A real password hasher (MD5, as the rest of the test suite uses) that counts how often it ran."""

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingHasher(MD5PasswordHasher):
    algorithm = "md5"  # reads the hashes the suite's MD5 hasher wrote
    runs = 0

    def encode(self, password, salt):
        CountingHasher.runs += 1
        return super().encode(password, salt)
