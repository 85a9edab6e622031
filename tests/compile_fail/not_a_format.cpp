// expect: a format tag needs
#include <lowp/lowp.hpp>
struct nope {};
int main() { return lowp::encode<nope>(1.0f); }
