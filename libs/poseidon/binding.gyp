{
  "targets": [
    {
      "target_name": "poseidon",
      "sources": ["native/addon.c", "native/poseidon.c"],
      "cflags!": ["-O2"],
      "cflags": ["-O3", "-march=native", "-std=c11"]
    }
  ]
}
