// placeholder, replaced by the benchmark baseline
int main(void) { return 0; }
