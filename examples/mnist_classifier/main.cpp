// mnist_classifier — the program (program.hpp says what it does).
#include "program.hpp"

int main(int argc, char** argv) { return mnist_classifier::program_main(argc, argv); }
