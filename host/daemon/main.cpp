#include <cstdio>
int main() { std::puts("connectivityd"); return 0; }
