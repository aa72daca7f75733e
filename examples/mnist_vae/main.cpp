// mnist_vae — the program (program.hpp says what it does).
#include "program.hpp"

int main(int argc, char** argv) { return mnist_vae::program_main(argc, argv); }
