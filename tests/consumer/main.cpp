#include <lowp/lowp.hpp>

int main() { return 0; }
