// mnist_dcgan — the program (program.hpp says what it does).
#include "program.hpp"

int main(int argc, char** argv) { return mnist_dcgan::program_main(argc, argv); }
