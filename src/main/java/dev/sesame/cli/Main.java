package dev.sesame.cli;

/** Entry point of the sesame command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("sesame");
  }
}
