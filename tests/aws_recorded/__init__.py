"""Real AWS KMS answers, recorded by LocalStack's AWS-validated parity tests, as checks."""
