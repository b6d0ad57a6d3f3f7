/// gzip of a 50 × 8 × 8 IDX file of `fixturePayload(3200)` by Python's
/// `gzip.compress(level 9)`: one dynamic-Huffman block with back-references.
enum GzipFixture {
    static let dynamicHuffman = [
        "H4sIAAAAAAACAyWWW41dMQxFLfVnPgMhEKIiMARDMIRACIRACIRACARDMARD6DrTSnc0d3oesb332hb5+SMif/n8fB/Pdu/tVz3qvTZbtfRec/",
        "rcZ719fNxubT21mmn39L3eOJ61d1V5jhVx0o96vh1Z3kRutWVi+404d+0+engd6z740vL11V53a17Td/hZauvN1260LNmz3RrRJCzijsis9KV+",
        "2hht6bxHpI3aMvswaW1at1WZ+2pJ7DzXRXj0c6OCK3du5QhLzKfN+UTvUM7yhnHxGRK3cfebu42TdsZbzdu1qYcSvUs065MuZIWvx+Xa3p06R/",
        "ShlNHaWrOahl2pYUqHaMMZ027vfTzx5hr9vPC2R291jz86sG6oDDvdj694zdK6jOJc4w6xSJfmMlrtlZt2Z2v70pCqNDOaVd9T9NTy2TxpXq+h",
        "89Got/dcJ9Y70uKewxNcOd5LGy3am2vIlBV7j9bPjNA1z+h9+yzNU0IJ/ezepWfT5bvirHZ5XesxOem4r43ZYhqnsvSyb5Tc+kyz2ZJdDx3Qnv",
        "O2xkt37uWiqha15wy68GYYhZlcqsiuCIm33muuUuZncO3Revx17inz3bjJi++0sRazlG01OF0fcm6qomMusdXHri5b+jWecP3FopE9kAvKaCqc",
        "ddeaITbRWul0pcu0/li1t7bfbZSz0JPFfHjg1RRtSd9OXn3zysq8CHAkU+QJR3s7syH/shP2pFswP32ryvhuR0VWzf2WDE26tE+gq63q63Jwmn",
        "7mzu+AvvZpd7ybIp37mIP3F51+8//Z4zPp2bcFg+3L6dkZZ3gMDGTvMJbGc2X5DVev/WzjwOMl7rv11rxHj7HGm4h3zNRvBGucW+/g/7071rnY",
        "P7bbfRsh0pd4W06nRJurjlOiTEZMgWYorL3Qvtbzi/sCp77T89KEjcTa6G+aPioHFG2urgO5Hru1mtRGgdxVjr535wIMKZ1e3EZPAM3GHrqxfS",
        "zLrV+zblLqV1lm99VDjXrj8ix/9fTRP+hyUsekURRJfRuvR6wa2fIIfoNR6vyx3xXOCa3oCVX5dfx6Y12cMoJ7xoYgB0YytSE0BzP5bbR1z15d",
        "eUmi1oc4ny3vygSO2Sg6jKDAIXego6avyyzhhZIaQNAbw4nbMfTpcuNgsICDdg5qpdA5xzsXdowGgPA+ePa25vLifJppuVz5MPJInV34c+n+4A",
        "4iNib2A+Og5RLnNEpl4AcXNoTdSiNoCCKcRxLz3Cn+nsBCtF4NDQIpiN5qMCTu1THgduzDv112bU+18Wq9dx40kvvi0GzSYk2MZJQ3oQ1jrX0w",
        "FGPdYP18Y1hxGeZtiryiPuRf9KnkTcPbM/DxuAfhfE0lIix0z3J5wrA2nMV8TExXg4l3X9+SkGxC0TsR7On9yTm84Ldu2grmVZ+OW/cJbuMkCQ",
        "ocHAePXEEg5uci+QIs30qIkDvpleo6lzBBd9UXseirpcxrby/3WOs2+suMoXAmSZkdTwFjsEa5n3GhBicELHChbRzmQ/bzZ+3LWyDQUeXEAFNT",
        "4L0CAv9izFPR0TocpA3ar8NgHelW9Ivnb+LbJGE+MXXmeRfYoP0PC97h4lh0Wu+vKDdS6NLMCH4tvqo9/aKfhIKYQgChHbKcgAJbYIgS4e9MB6",
        "T+4LzS10oAilQLoF3GJ6tPqAN/jq0Dsv5T7zslYnPi2+52gnlJ5jghSnO/EM8BZQDblENtBPadRV9oJaDCK2fSgNo8gvN2uPb7jv3Zw9hjDsEO",
        "Wx8JiejYa4hB1ghlbpCnOFMHFETvyknFe57iPtjOWYhnBE8CiMnD/xjaP+D3OdIHwGffOJM1xmdvswIi9tNrdYIRI3z7kBrxhh+G4iai6zNrRl",
        "+fsEtYLj48HFwVI/Hra8GPy16FwZj5RxbaPDrAUAA8WSw4F8vPVxyKF6VHvMn6RUBzLbagzq71PlPbRyAO8RA374QXSz5b+GVR2BiBUG0+l5Fq",
        "KVqfTLp3ZMwEyfc+WK5oMDnJ3rHBwficSAIWKiJRcFAwYeCjrX8/4TFdgrCuI4Vd50w2kAMWiDPAMskPjAN10M5FpbbHY8f80E6Yomx2FiexNy",
        "mvawzS7FNAZ4rKomYeNFONseB+7QhYWF+guQQuNRwLdufeyJzTr8tGCgDB+I069ILlIw1n4S/kBluFVy+Q8G122SdbDosEm+0OCXx4uvGNDGEt",
        "2YfEEaJu2EdrcBAMjh5j546EgEKCT3IZqEgRpd8q88UGac+e0vegeNaaB4mcUJzfumKo0y7hAEJnshfyZMyZiabuo2vQjH4WIf2SZ2MJyJgMgu",
        "eyjOHgtM34Y7ETViyyKfDBqbdQMRriN1YNzNgBwiiIescBmSDKEZsnlwhZDSc4M0NiMWRF1cbY4jNqBuhxKgIHWEgjGf5dHzRZkV7irOeBmBbb",
        "rHX8x1YwP8YQ47etUx/TY4AYh/Vl8CPrun5L+8A4LKvSK1h6CWom/A/X1SstkAwAAA==",
    ].joined()
}
